//! PDS's request-scoped loaders: one typed key per relation. Each batch of keys is one
//! SQL statement (`IN (...)`, a windowed page, or a `GROUP BY` count).
//!
//! Loaders know nothing of GraphQL: keys carry plain values, [`ListRef`]s and, for the
//! lists read through a view ([`views`]), the view's [`ViewOrder`]. Sealed session
//! cursors and their loader are in [`sessions`].

pub mod sessions;
pub mod views;

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::pds::{
    accounts, app_passwords, blobs, plc_operations, record_blobs, records, refresh_tokens,
    repo_blocks, repo_seq, repos,
};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Value};

use self::views::{ViewOrder, blob_record_rows, record_blob_rows};
use crate::error::ApiError;
use crate::filter::FilterIfAny;
use crate::loader::{CountRef, ListRef};
use crate::pagination::{self, Key, PageOf};
use crate::projection::{Placeholder, Projected, Wide};
use crate::{by_key, count_key, page_key};

/// Loads PDS rows in batches, for one request.
pub struct PdsLoader {
    db: DatabaseConnection,
    /// Keys the digests in session cursors ([`sessions`]).
    digests: crate::auth::Digests,
}

impl PdsLoader {
    /// A loader over the PDS pool, matching session cursors with `digests`.
    pub fn new(db: DatabaseConnection, digests: crate::auth::Digests) -> Self {
        Self { db, digests }
    }
}

// --------------------------------------------------------------------------- to-one

by_key!(
    /// An account by DID.
    PdsLoader: AccountDid(String) => accounts.Did
);
by_key!(
    /// A repository by its account's DID.
    PdsLoader: RepoDid(String) => repos.Did
);
by_key!(
    /// A record by URI.
    PdsLoader: RecordUri(String) => records.Uri
);

/// Declares a to-one key on a two-column primary key: one `(a = ? AND b = ?) OR ...`
/// statement per batch.
macro_rules! pair_key {
    ($(#[$m:meta])* $key:ident => $entity:ident { $a:ident : $af:ident, $b:ident : $bf:ident }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct $key(pub String, pub String);

        impl Loader<$key> for PdsLoader {
            type Value = $entity::Model;
            type Error = ApiError;

            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Self::Value>, Self::Error> {
                if keys.is_empty() {
                    return Ok(HashMap::new());
                }
                let mut any = Condition::any();
                for k in keys {
                    any = any.add(
                        Condition::all()
                            .add($entity::Column::$a.eq(k.0.clone()))
                            .add($entity::Column::$b.eq(k.1.clone())),
                    );
                }
                let rows = $entity::Entity::find().filter(any).all(&self.db).await?;
                Ok(rows
                    .into_iter()
                    .map(|m| ($key(m.$af.clone(), m.$bf.clone()), m))
                    .collect())
            }
        }
    };
}

pair_key!(
    /// A repository block by `(repo_did, cid)`.
    BlockKey => repo_blocks { RepoDid: repo_did, Cid: cid }
);
pair_key!(
    /// A blob by `(did, cid)`.
    BlobKey => blobs { Did: did, Cid: cid }
);
pair_key!(
    /// An app password by `(did, name)`.
    AppPasswordKey => app_passwords { Did: did, Name: name }
);

// -------------------------------------------------------------------------- to-many

page_key!(
    /// A page of an account's repository blocks.
    PdsLoader: BlocksOfAccount(String) => repo_blocks.RepoDid
);
count_key!(
    /// How many blocks an account's repository holds (under a filter).
    PdsLoader: BlockCountOfAccount(String) => repo_blocks.RepoDid
);
page_key!(
    /// A page of an account's PLC operations.
    PdsLoader: PlcOpsOfAccount(String) => plc_operations.Did
);
count_key!(
    /// How many PLC operations an account has (under a filter).
    PdsLoader: PlcOpCountOfAccount(String) => plc_operations.Did
);
page_key!(
    /// A page of an account's sessions (refresh tokens).
    PdsLoader: SessionsOfAccount(String) => refresh_tokens.Did
);
count_key!(
    /// How many sessions an account has (under a filter).
    PdsLoader: SessionCountOfAccount(String) => refresh_tokens.Did
);
page_key!(
    /// A page of an account's records.
    PdsLoader: RecordsOfAccount(String) => records.Did
);
count_key!(
    /// How many records an account has (under a filter).
    PdsLoader: RecordCountOfAccount(String) => records.Did
);
page_key!(
    /// A page of an account's blobs.
    PdsLoader: BlobsOfAccount(String) => blobs.Did
);
count_key!(
    /// How many blobs an account has (under a filter).
    PdsLoader: BlobCountOfAccount(String) => blobs.Did
);
page_key!(
    /// A page of an account's record-to-blob references.
    PdsLoader: RecordBlobsOfAccount(String) => record_blobs.Did
);
count_key!(
    /// How many record-to-blob references an account has (under a filter).
    PdsLoader: RecordBlobCountOfAccount(String) => record_blobs.Did
);
page_key!(
    /// A page of an account's app passwords.
    PdsLoader: AppPasswordsOfAccount(String) => app_passwords.Did
);
count_key!(
    /// How many app passwords an account has (under a filter).
    PdsLoader: AppPasswordCountOfAccount(String) => app_passwords.Did
);
page_key!(
    /// A page of the sequencer events about a DID.
    PdsLoader: SeqEventsOfAccount(String) => repo_seq.Did
);
count_key!(
    /// How many sequencer events are about a DID (under a filter).
    PdsLoader: SeqEventCountOfAccount(String) => repo_seq.Did
);
page_key!(
    /// A page of a record's blob references.
    PdsLoader: RecordBlobsOfRecord(String) => record_blobs.RecordUri
);
count_key!(
    /// How many blob references a record has (under a filter).
    PdsLoader: RecordBlobCountOfRecord(String) => record_blobs.RecordUri
);

// ------------------------------------------------------ many-to-many via record_blobs

fn convert_page<A, B: From<A>>(page: PageOf<A>) -> PageOf<B> {
    PageOf {
        edges: page
            .edges
            .into_iter()
            .map(|(c, m)| (c, B::from(m)))
            .collect(),
        has_next_page: page.has_next_page,
        has_previous_page: page.has_previous_page,
        lazy: page.lazy,
    }
}

/// Groups `(parent, list)` keys by list request, as [`crate::loader::pages_by_parent`].
fn by_list<'a, K, E: EntityTrait>(
    keys: &'a [K],
    split: impl Fn(&'a K) -> (&'a str, &'a ListRef<E>),
) -> HashMap<&'a ListRef<E>, Vec<(&'a K, &'a str)>> {
    let mut groups: HashMap<&ListRef<E>, Vec<(&K, &str)>> = HashMap::new();
    for k in keys {
        let (parent, list) = split(k);
        groups.entry(list).or_default().push((k, parent));
    }
    groups
}

/// Groups `(parent, filter)` keys by filter.
fn by_filter<'a, K>(
    keys: &'a [K],
    split: impl Fn(&'a K) -> (&'a str, &'a CountRef),
) -> HashMap<&'a CountRef, Vec<(&'a K, &'a str)>> {
    let mut groups: HashMap<&CountRef, Vec<(&K, &str)>> = HashMap::new();
    for k in keys {
        let (parent, filter) = split(k);
        groups.entry(filter).or_default().push((k, parent));
    }
    groups
}

/// A page of the blobs a record references (through `record_blobs`), in the list's
/// order over the view (the same list name and column names as the list's own order, so
/// that cursors are blob cursors).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BlobsOfRecord(
    pub String,
    pub ListRef<blobs::Entity>,
    pub ViewOrder<record_blob_rows::Entity>,
);

impl Loader<BlobsOfRecord> for PdsLoader {
    type Value = PageOf<blobs::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[BlobsOfRecord],
    ) -> Result<HashMap<BlobsOfRecord, Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        for (list, members) in by_list(keys, |k| (k.0.as_str(), &k.1)) {
            let Some(order) = members.first().map(|(k, _)| k.2.clone()) else {
                continue;
            };
            let uris: Vec<Value> = members.iter().map(|(_, u)| (*u).into()).collect();
            let parents: Vec<Key> = members.iter().map(|(_, u)| Key::Str((*u).into())).collect();
            let mut pages = pagination::fetch_pages_by_parent(
                &self.db,
                views::record_blobs(uris).filter_if_any(list.0.condition.clone()),
                record_blob_rows::Column::RecordUri,
                &parents,
                order.ordering(),
                &list.0.page,
                pagination::Cursors::Now,
            )
            .await?;
            for (k, uri) in members {
                let page = pages
                    .remove(&Key::Str(uri.to_owned()))
                    .map_or_else(PageOf::empty, convert_page);
                out.insert(k.clone(), page);
            }
        }
        Ok(out)
    }
}

/// How many blobs a record references (under a filter).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BlobCountOfRecord(pub String, pub CountRef);

impl Loader<BlobCountOfRecord> for PdsLoader {
    type Value = u64;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[BlobCountOfRecord],
    ) -> Result<HashMap<BlobCountOfRecord, Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        for (filter, members) in by_filter(keys, |k| (k.0.as_str(), &k.1)) {
            let uris: Vec<Value> = members.iter().map(|(_, u)| (*u).into()).collect();
            let parents: Vec<Key> = members.iter().map(|(_, u)| Key::Str((*u).into())).collect();
            let counts = pagination::count_by_parent(
                &self.db,
                views::record_blobs(uris).filter_if_any(filter.condition().clone()),
                record_blob_rows::Column::RecordUri,
                &parents,
            )
            .await?;
            for (k, uri) in members {
                let n = counts.get(&Key::Str(uri.to_owned())).copied();
                out.insert(k.clone(), n.unwrap_or(0));
            }
        }
        Ok(out)
    }
}

/// The CIDs of blob keys (`did cid`), for the join's index-friendly pre-filter.
fn cids_of<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<Value> {
    keys.filter_map(|k| k.split_once(' ').map(|(_, cid)| cid.to_owned().into()))
        .collect()
}

/// A page of the records referencing a blob (through `record_blobs`), in the list's
/// order over the view; the parent is [`views::blob_key`] of the blob.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RecordsOfBlob(
    pub String,
    pub ListRef<records::Entity>,
    pub ViewOrder<blob_record_rows::Entity>,
);

impl Loader<RecordsOfBlob> for PdsLoader {
    type Value = PageOf<records::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[RecordsOfBlob],
    ) -> Result<HashMap<RecordsOfBlob, Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        for (list, members) in by_list(keys, |k| (k.0.as_str(), &k.1)) {
            let Some(order) = members.first().map(|(k, _)| k.2.clone()) else {
                continue;
            };
            let cids = cids_of(members.iter().map(|(_, b)| *b));
            let parents: Vec<Key> = members.iter().map(|(_, b)| Key::Str((*b).into())).collect();
            let mut pages = pagination::fetch_pages_by_parent(
                &self.db,
                views::blob_records(cids).filter_if_any(list.0.condition.clone()),
                blob_record_rows::Column::BlobKey,
                &parents,
                order.ordering(),
                &list.0.page,
                pagination::Cursors::Now,
            )
            .await?;
            for (k, b) in members {
                let page = pages
                    .remove(&Key::Str(b.to_owned()))
                    .map_or_else(PageOf::empty, convert_page);
                out.insert(k.clone(), page);
            }
        }
        Ok(out)
    }
}

/// How many records reference a blob (under a filter).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RecordCountOfBlob(pub String, pub CountRef);

impl Loader<RecordCountOfBlob> for PdsLoader {
    type Value = u64;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[RecordCountOfBlob],
    ) -> Result<HashMap<RecordCountOfBlob, Self::Value>, Self::Error> {
        let mut out = HashMap::with_capacity(keys.len());
        for (filter, members) in by_filter(keys, |k| (k.0.as_str(), &k.1)) {
            let cids = cids_of(members.iter().map(|(_, b)| *b));
            let parents: Vec<Key> = members.iter().map(|(_, b)| Key::Str((*b).into())).collect();
            let counts = pagination::count_by_parent(
                &self.db,
                views::blob_records(cids).filter_if_any(filter.condition().clone()),
                blob_record_rows::Column::BlobKey,
                &parents,
            )
            .await?;
            for (k, b) in members {
                let n = counts.get(&Key::Str(b.to_owned())).copied();
                out.insert(k.clone(), n.unwrap_or(0));
            }
        }
        Ok(out)
    }
}

impl Projected for repo_blocks::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: repo_blocks::Column::Bytes,
        fields: &["bytes"],
        placeholder: Placeholder::Bytes,
    }];
}

impl Projected for plc_operations::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: plc_operations::Column::Operation,
        fields: &["operation"],
        placeholder: Placeholder::Bytes,
    }];
}

impl Projected for repo_seq::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: repo_seq::Column::Event,
        fields: &["event"],
        placeholder: Placeholder::Bytes,
    }];
}

crate::narrow!(
    accounts::Entity,
    app_passwords::Entity,
    blobs::Entity,
    record_blobs::Entity,
    records::Entity,
    refresh_tokens::Entity,
    repos::Entity,
);
