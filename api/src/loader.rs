//! Building blocks of the per-domain DataLoaders: a batch of keys becomes one SQL
//! statement (`IN (...)` for to-one, a windowed page for to-many, `GROUP BY` for counts).
//!
//! Each domain declares a typed newtype key per relation with [`by_key!`],
//! [`page_key!`] and [`count_key!`]; the loaders are built per request (see
//! [`crate::context`]) so that a cache never outlives the request that filled it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, ModelTrait, QueryFilter,
    Value,
};

use crate::error::ApiError;
use crate::filter::FilterIfAny;
use crate::pagination::{self, Key, Ordering, Page, PageOf};
use crate::projection::Columns;

impl From<String> for Key {
    fn from(s: String) -> Self {
        Key::Str(s)
    }
}

impl From<i64> for Key {
    fn from(i: i64) -> Self {
        Key::Int(i)
    }
}

impl From<uuid::Uuid> for Key {
    fn from(u: uuid::Uuid) -> Self {
        Key::Uuid(u)
    }
}

/// A list request shared by every parent of one field: filter, order and page. Compared
/// and hashed by a canonical id, so that siblings asking the same thing share one batch.
///
/// The id is formatted (and hashed) only when first compared or hashed: every sibling of a
/// relation field builds its request, but only the first one's goes into the batch.
pub struct ListQuery<E: EntityTrait> {
    /// The canonical form of order, page, filter and columns, with its hash (a batch's
    /// keys are hashed several times each): made on first use.
    id: OnceLock<(String, u64)>,
    /// The client's filter (and any access rule).
    pub condition: Condition,
    /// The total order.
    pub ordering: Ordering<E>,
    /// The validated page.
    pub page: Page,
    /// The columns read (wide ones only when the selection shows them).
    pub columns: Columns<E>,
}

/// A shared handle on a [`ListQuery`].
pub struct ListRef<E: EntityTrait>(pub Arc<ListQuery<E>>);

/// The hash of a canonical id (the same within a process, which is all a batch needs).
fn id_hash(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Whether two canonical ids are the same (the hashes first).
fn same(a: &(String, u64), b: &(String, u64)) -> bool {
    a.1 == b.1 && a.0 == b.0
}

impl<E: EntityTrait> ListRef<E> {
    /// Wraps a list request.
    pub fn new(condition: Condition, ordering: Ordering<E>, page: Page) -> Self {
        Self::with_columns(condition, ordering, page, Columns::all())
    }

    fn with_columns(
        condition: Condition,
        ordering: Ordering<E>,
        page: Page,
        mut columns: Columns<E>,
    ) -> Self {
        for column in ordering.columns() {
            columns = columns.keep(column);
        }
        Self(Arc::new(ListQuery {
            id: OnceLock::new(),
            condition,
            ordering,
            page,
            columns,
        }))
    }

    /// The same request reading only `columns` (sort keys are always read).
    pub fn project(self, columns: Columns<E>) -> Self {
        if columns.is_all() {
            return self;
        }
        match Arc::try_unwrap(self.0) {
            Ok(q) => Self::with_columns(q.condition, q.ordering, q.page, columns),
            Err(shared) => Self(shared),
        }
    }

    fn canonical(&self) -> &(String, u64) {
        let q = &self.0;
        q.id.get_or_init(|| {
            let id = format!(
                "{}|{:?}|{:?}|{:?}",
                q.ordering.id(),
                q.page,
                q.condition,
                q.columns
            );
            let hash = id_hash(&id);
            (id, hash)
        })
    }

    /// The canonical id (order, page, filter and columns).
    pub fn id(&self) -> &str {
        &self.canonical().0
    }
}

impl<E: EntityTrait> Clone for ListRef<E> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<E: EntityTrait> PartialEq for ListRef<E> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || same(self.canonical(), other.canonical())
    }
}

impl<E: EntityTrait> Eq for ListRef<E> {}

impl<E: EntityTrait> Hash for ListRef<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.canonical().1);
    }
}

/// A filter shared by every parent of a `totalCount`, hashed by its canonical form (made
/// on first use, like a [`ListRef`]'s).
#[derive(Clone)]
pub struct CountRef(Arc<(OnceLock<(String, u64)>, Condition)>);

impl CountRef {
    /// Wraps a condition.
    pub fn new(condition: Condition) -> Self {
        Self(Arc::new((OnceLock::new(), condition)))
    }

    /// The condition.
    pub fn condition(&self) -> &Condition {
        &self.0.1
    }

    fn canonical(&self) -> &(String, u64) {
        self.0.0.get_or_init(|| {
            let id = format!("{:?}", self.0.1);
            let hash = id_hash(&id);
            (id, hash)
        })
    }
}

/// A list request and its count.
pub fn list_and_count<E: EntityTrait>(
    condition: Condition,
    ordering: Ordering<E>,
    page: Page,
) -> (ListRef<E>, CountRef) {
    let list = ListRef::new(condition.clone(), ordering, page);
    (list, CountRef::new(condition))
}

impl PartialEq for CountRef {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || same(self.canonical(), other.canonical())
    }
}

impl Eq for CountRef {}

impl Hash for CountRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.canonical().1);
    }
}

/// Rows of `E` whose `column` is one of `keys`, in one `IN (...)` statement.
pub async fn by_keys<E, C, K>(
    db: &C,
    column: E::Column,
    keys: &[K],
    to_key: impl Fn(&K) -> Key,
) -> Result<HashMap<K, E::Model>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
    K: Clone + Eq + Hash,
{
    let wanted: HashMap<Key, &K> = keys.iter().map(|k| (to_key(k), k)).collect();
    let values: Vec<Value> = wanted.keys().filter_map(Key::value).collect();
    if values.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = E::find().filter(column.is_in(values)).all(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let k = Key::from_value(m.get(column))?;
            wanted.get(&k).map(|k| ((*k).clone(), m))
        })
        .collect())
}

/// Rows of `E` grouped by `column` (a has-many without paging, e.g. `latestIdl`).
pub async fn grouped_by<E, C>(
    db: &C,
    select: sea_orm::Select<E>,
    column: E::Column,
    parents: &[Key],
) -> Result<HashMap<Key, Vec<E::Model>>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync,
    C: ConnectionTrait,
{
    let values: Vec<Value> = parents.iter().filter_map(Key::value).collect();
    if values.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = select.filter(column.is_in(values)).all(db).await?;
    let mut out: HashMap<Key, Vec<E::Model>> = HashMap::new();
    for m in rows {
        if let Some(k) = Key::from_value(m.get(column)) {
            out.entry(k).or_default().push(m);
        }
    }
    Ok(out)
}

/// Pages of children for a batch of `(parent, list)` keys: one windowed statement per
/// distinct list request (siblings share one).
pub async fn pages_by_parent<E, C, K>(
    db: &C,
    parent: E::Column,
    keys: &[K],
    split: impl Fn(&K) -> (Key, &ListRef<E>),
) -> Result<HashMap<K, PageOf<E::Model>>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + FromQueryResult + Sized + Send + Sync + Clone,
    C: ConnectionTrait,
    K: Clone + Eq + Hash,
{
    let mut groups: HashMap<&ListRef<E>, Vec<(&K, Key)>> = HashMap::new();
    for k in keys {
        let (parent_key, list) = split(k);
        groups.entry(list).or_default().push((k, parent_key));
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (list, members) in groups {
        let parents: Vec<Key> = members.iter().map(|(_, p)| p.clone()).collect();
        let q = &list.0;
        let mut pages = pagination::fetch_pages_by_parent(
            db,
            q.columns
                .select(E::find())
                .filter_if_any(q.condition.clone()),
            parent,
            &parents,
            &q.ordering,
            &q.page,
            pagination::Cursors::Lazy,
        )
        .await?;
        for (k, p) in members {
            let page = pages.remove(&p).unwrap_or_else(PageOf::empty);
            out.insert(k.clone(), page);
        }
    }
    Ok(out)
}

/// Counts of children for a batch of `(parent, filter)` keys: one `GROUP BY` statement
/// per distinct filter.
pub async fn counts_by_parent<E, C, K>(
    db: &C,
    parent: E::Column,
    keys: &[K],
    split: impl Fn(&K) -> (Key, &CountRef),
) -> Result<HashMap<K, u64>, ApiError>
where
    E: EntityTrait,
    C: ConnectionTrait,
    K: Clone + Eq + Hash,
{
    let mut groups: HashMap<&CountRef, Vec<(&K, Key)>> = HashMap::new();
    for k in keys {
        let (parent_key, filter) = split(k);
        groups.entry(filter).or_default().push((k, parent_key));
    }
    let mut out = HashMap::with_capacity(keys.len());
    for (filter, members) in groups {
        let parents: Vec<Key> = members.iter().map(|(_, p)| p.clone()).collect();
        let counts = pagination::count_by_parent(
            db,
            E::find().filter_if_any(filter.condition().clone()),
            parent,
            &parents,
        )
        .await?;
        for (k, p) in members {
            out.insert(k.clone(), counts.get(&p).copied().unwrap_or(0));
        }
    }
    Ok(out)
}

/// Declares a to-one key newtype `$key($ty)` loading `$entity` rows by `$col`.
#[macro_export]
macro_rules! by_key {
    ($(#[$m:meta])* $loader:ty : $key:ident($ty:ty) => $entity:ident . $col:ident) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub $ty);

        impl async_graphql::dataloader::Loader<$key> for $loader {
            type Value = $entity::Model;
            type Error = $crate::error::ApiError;

            async fn load(
                &self,
                keys: &[$key],
            ) -> ::std::result::Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                $crate::loader::by_keys::<$entity::Entity, _, _>(
                    &self.db,
                    $entity::Column::$col,
                    keys,
                    |k| k.0.clone().into(),
                )
                .await
            }
        }
    };
}

/// Declares a to-many key newtype `$key($ty, ListRef)` loading a page of `$entity` rows
/// per parent (`$col` holds the parent's key), one windowed statement per batch.
#[macro_export]
macro_rules! page_key {
    ($(#[$m:meta])* $loader:ty : $key:ident($ty:ty) => $entity:ident . $col:ident) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub $ty, pub $crate::loader::ListRef<$entity::Entity>);

        impl async_graphql::dataloader::Loader<$key> for $loader {
            type Value = $crate::pagination::PageOf<$entity::Model>;
            type Error = $crate::error::ApiError;

            async fn load(
                &self,
                keys: &[$key],
            ) -> ::std::result::Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                $crate::loader::pages_by_parent(&self.db, $entity::Column::$col, keys, |k| {
                    (k.0.clone().into(), &k.1)
                })
                .await
            }
        }
    };
}

/// Declares a count key newtype `$key($ty, CountRef)` counting `$entity` rows per parent,
/// one `GROUP BY` statement per batch.
#[macro_export]
macro_rules! count_key {
    ($(#[$m:meta])* $loader:ty : $key:ident($ty:ty) => $entity:ident . $col:ident) => {
        $(#[$m])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $key(pub $ty, pub $crate::loader::CountRef);

        impl async_graphql::dataloader::Loader<$key> for $loader {
            type Value = u64;
            type Error = $crate::error::ApiError;

            async fn load(
                &self,
                keys: &[$key],
            ) -> ::std::result::Result<std::collections::HashMap<$key, Self::Value>, Self::Error> {
                $crate::loader::counts_by_parent::<$entity::Entity, _, _>(
                    &self.db,
                    $entity::Column::$col,
                    keys,
                    |k| (k.0.clone().into(), &k.1),
                )
                .await
            }
        }
    };
}
