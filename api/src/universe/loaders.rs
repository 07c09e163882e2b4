//! Universe's request-scoped loaders: one typed key per relation.

use std::collections::HashMap;
use std::hash::Hash;

use async_graphql::dataloader::Loader;
use entity::universe::subscription;
use entity::universe::{client_connection, delta_record, entity as node, relation, state_version};
use sea_orm::DatabaseConnection;

use super::service::{self, Reach, Walk};
use crate::error::ApiError;
use crate::pagination::{Key, PageOf};
use crate::projection::{Placeholder, Projected, Wide};
use crate::{by_key, count_key, page_key};

/// Loads Universe rows in batches, for one request.
pub struct UniverseLoader {
    db: DatabaseConnection,
}

impl UniverseLoader {
    /// A loader over Universe's pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

by_key!(
    /// An entity by id (either end of a relation).
    UniverseLoader: EntityId(String) => node.Id
);
by_key!(
    /// A state version by id.
    UniverseLoader: VersionId(String) => state_version.VersionId
);
by_key!(
    /// A client connection by identity.
    UniverseLoader: ConnectionIdentity(String) => client_connection.Identity
);
page_key!(
    /// A page of the relations leaving an entity.
    UniverseLoader: OutgoingOf(String) => relation.FromEntity
);
count_key!(
    /// How many relations leave an entity (under a filter).
    UniverseLoader: OutgoingCountOf(String) => relation.FromEntity
);
page_key!(
    /// A page of the relations arriving at an entity.
    UniverseLoader: IncomingOf(String) => relation.ToEntity
);
count_key!(
    /// How many relations arrive at an entity (under a filter).
    UniverseLoader: IncomingCountOf(String) => relation.ToEntity
);
page_key!(
    /// A page of a version's direct children.
    UniverseLoader: ChildrenOf(String) => state_version.ParentVersionId
);
count_key!(
    /// How many direct children a version has (under a filter).
    UniverseLoader: ChildCountOf(String) => state_version.ParentVersionId
);
page_key!(
    /// A page of a version's delta records.
    UniverseLoader: DeltasOf(String) => delta_record.StateVersionId
);
count_key!(
    /// How many delta records a version has (under a filter).
    UniverseLoader: DeltaCountOf(String) => delta_record.StateVersionId
);
page_key!(
    /// A page of a client connection's subscriptions.
    UniverseLoader: SubscriptionsOf(String) => subscription.Identity
);
count_key!(
    /// How many subscriptions a client connection has (under a filter).
    UniverseLoader: SubscriptionCountOf(String) => subscription.Identity
);

/// The parent of a version (`parent_version_id`, absent for a root).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParentOf(pub Option<String>);

impl Loader<ParentOf> for UniverseLoader {
    type Value = state_version::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[ParentOf]) -> Result<HashMap<ParentOf, Self::Value>, Self::Error> {
        crate::loader::by_keys::<state_version::Entity, _, _>(
            &self.db,
            state_version::Column::VersionId,
            keys,
            |k| k.0.clone().map_or(Key::Null, Key::Str),
        )
        .await
    }
}

/// A whole list as one page (no cursors: these lists are not paginated), so that
/// `batch::page` makes the rows of all siblings one sibling set.
fn whole<M>(rows: Vec<M>) -> PageOf<M> {
    PageOf {
        edges: rows.into_iter().map(|m| (String::new(), m)).collect(),
        has_next_page: false,
        has_previous_page: false,
        lazy: false,
    }
}

/// Groups `keys` by a shared argument, so that each distinct argument costs one statement.
fn by_argument<K, A: Eq + Hash + Clone>(
    keys: &[K],
    split: impl Fn(&K) -> (String, A),
) -> HashMap<A, Vec<String>> {
    let mut groups: HashMap<A, Vec<String>> = HashMap::new();
    for k in keys {
        let (id, arg) = split(k);
        groups.entry(arg).or_default().push(id);
    }
    groups
}

/// A version's ancestors, nearest first, at most `.1` steps up.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct AncestorsOf(pub String, pub i32);

/// A version's descendants, by depth, at most `.1` levels down.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DescendantsOf(pub String, pub i32);

async fn walk_pages<K: Clone + Eq + Hash>(
    db: &DatabaseConnection,
    keys: &[K],
    split: impl Fn(&K) -> (String, i32),
    walk: Walk,
) -> Result<HashMap<K, PageOf<state_version::Model>>, ApiError> {
    let mut found = HashMap::new();
    for (depth, ids) in by_argument(keys, &split) {
        for (id, rows) in service::walk_versions(db, &ids, depth, walk, false).await? {
            found.insert((id, depth), rows);
        }
    }
    Ok(keys
        .iter()
        .map(|k| {
            let rows = found.get(&split(k)).cloned().unwrap_or_default();
            (k.clone(), whole(rows))
        })
        .collect())
}

impl Loader<AncestorsOf> for UniverseLoader {
    type Value = PageOf<state_version::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[AncestorsOf],
    ) -> Result<HashMap<AncestorsOf, Self::Value>, Self::Error> {
        walk_pages(&self.db, keys, |k| (k.0.clone(), k.1), Walk::Up).await
    }
}

impl Loader<DescendantsOf> for UniverseLoader {
    type Value = PageOf<state_version::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[DescendantsOf],
    ) -> Result<HashMap<DescendantsOf, Self::Value>, Self::Error> {
        walk_pages(&self.db, keys, |k| (k.0.clone(), k.1), Walk::Down).await
    }
}

/// The entities connected to an entity, in a direction, through relations of an
/// optional type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConnectedOf(pub String, pub Reach, pub Option<String>);

impl Loader<ConnectedOf> for UniverseLoader {
    type Value = PageOf<node::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ConnectedOf],
    ) -> Result<HashMap<ConnectedOf, Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        for ((reach, relation_type), ids) in
            by_argument(keys, |k| (k.0.clone(), (k.1, k.2.clone())))
        {
            let found = service::connected(&self.db, &ids, reach, relation_type.as_deref()).await?;
            for id in ids {
                let rows = found.get(&id).cloned().unwrap_or_default();
                out.insert(ConnectedOf(id, reach, relation_type.clone()), whole(rows));
            }
        }
        Ok(out)
    }
}

impl Projected for entity::universe::event_log::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: entity::universe::event_log::Column::Data,
        fields: &["data"],
        placeholder: Placeholder::Json,
    }];
}

crate::narrow!(
    client_connection::Entity,
    delta_record::Entity,
    node::Entity,
    relation::Entity,
    state_version::Entity,
    subscription::Entity,
    entity::universe::config::Entity,
);
