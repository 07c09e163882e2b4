//! Read-only "view" entities over the `record_blobs` join, so that the many-to-many
//! relations `record.blobs` and `blob.records` page through the shared keyset machinery
//! in one windowed statement per level.
//!
//! [`crate::pagination::fetch_pages_by_parent`] pages rows of one entity partitioned by
//! one of its own columns. A record's blobs have no column naming the record, so each
//! view is an entity with the target table's columns plus the parent's key, read from a
//! derived table aliased with the target table's name: conditions built on the target
//! entity's columns (`"blobs"."mime_type"`, from the client's filter) then apply to the
//! view unchanged, and the view's rows convert into the target's models.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use entity::pds::{blobs, records};
use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use sea_orm::{EntityTrait, Iterable, QuerySelect, Select, Value};

use crate::pagination::Ordering;

/// The order of a list read through a view, as part of a loader key: compared and hashed
/// by its id (the list name and sort keys that cursors carry). The caller builds it with
/// the list's own name and the target table's column names, so that the view's cursors
/// are the table's.
pub struct ViewOrder<E: EntityTrait>(Arc<Ordering<E>>);

impl<E: EntityTrait> ViewOrder<E> {
    /// Wraps `ordering`.
    pub fn new(ordering: Ordering<E>) -> Self {
        Self(Arc::new(ordering))
    }

    /// The order.
    pub fn ordering(&self) -> &Ordering<E> {
        &self.0
    }
}

impl<E: EntityTrait> Clone for ViewOrder<E> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<E: EntityTrait> PartialEq for ViewOrder<E> {
    fn eq(&self, other: &Self) -> bool {
        self.0.id() == other.0.id()
    }
}

impl<E: EntityTrait> Eq for ViewOrder<E> {}

impl<E: EntityTrait> Hash for ViewOrder<E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.id().hash(state);
    }
}

/// A derived table replacing `select`'s `FROM` (its alias is the view's table name).
fn from_derived<E: EntityTrait>(mut select: Select<E>, inner: SelectStatement) -> Select<E> {
    let alias = E::default().table_name().to_owned();
    QuerySelect::query(&mut select)
        .from_clear()
        .from_subquery(inner, alias);
    select
}

/// Blobs as referenced by records: `blobs` columns plus the referencing `record_uri`
/// (the statement selects every column of [`blobs::Column`]).
pub mod record_blob_rows {
    use entity::pds::blobs;
    use sea_orm::entity::prelude::*;

    /// One blob, once per record referencing it.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "blobs")]
    pub struct Model {
        /// The referencing record's URI (the parent of the relation).
        #[sea_orm(primary_key, auto_increment = false)]
        pub record_uri: String,
        /// The owning account.
        #[sea_orm(primary_key, auto_increment = false)]
        pub did: String,
        /// The blob's CID.
        #[sea_orm(primary_key, auto_increment = false)]
        pub cid: String,
        /// MIME type.
        pub mime_type: String,
        /// Size in bytes.
        pub size: i64,
        /// Temporary storage key.
        pub temp_key: Option<String>,
        /// Pixel width.
        pub width: Option<i32>,
        /// Pixel height.
        pub height: Option<i32>,
        /// Upload time.
        pub created_at: DateTimeUtc,
        /// Takedown reference.
        pub takedown_ref: Option<String>,
    }

    /// No relations: the view is only read.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl From<Model> for blobs::Model {
        fn from(m: Model) -> Self {
            blobs::Model {
                did: m.did,
                cid: m.cid,
                mime_type: m.mime_type,
                size: m.size,
                temp_key: m.temp_key,
                width: m.width,
                height: m.height,
                created_at: m.created_at,
                takedown_ref: m.takedown_ref,
            }
        }
    }
}

/// Records as referencing blobs: `records` columns plus the referenced blob's key
/// (`did || ' ' || blob_cid`; neither part can hold a space; the statement selects every
/// column of [`records::Column`]).
pub mod blob_record_rows {
    use entity::pds::records;
    use sea_orm::entity::prelude::*;

    /// One record, once per blob it references.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "records")]
    pub struct Model {
        /// The referenced blob's key, `did || ' ' || cid` (the parent of the relation).
        #[sea_orm(primary_key, auto_increment = false)]
        pub blob_key: String,
        /// The record's URI.
        #[sea_orm(primary_key, auto_increment = false)]
        pub uri: String,
        /// The record's CID.
        pub cid: String,
        /// The owning account.
        pub did: String,
        /// The collection NSID.
        pub collection: String,
        /// The record key.
        pub rkey: String,
        /// Rev of the last commit writing the record.
        pub repo_rev: Option<String>,
        /// Indexing time.
        pub indexed_at: DateTimeUtc,
        /// Takedown reference.
        pub takedown_ref: Option<String>,
    }

    /// No relations: the view is only read.
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}

    impl From<Model> for records::Model {
        fn from(m: Model) -> Self {
            records::Model {
                uri: m.uri,
                cid: m.cid,
                did: m.did,
                collection: m.collection,
                rkey: m.rkey,
                repo_rev: m.repo_rev,
                indexed_at: m.indexed_at,
                takedown_ref: m.takedown_ref,
            }
        }
    }
}

/// The key of a blob as `blob_record_rows.blob_key` spells it.
pub fn blob_key(did: &str, cid: &str) -> String {
    format!("{did} {cid}")
}

/// `blob_record_rows` restricted to blobs with one of `cids` (the parent filter itself
/// is applied by the pager on `blob_key`; this one lets the join use
/// `record_blobs`' primary key, which starts with `blob_cid`).
pub fn blob_records(cids: Vec<Value>) -> Select<blob_record_rows::Entity> {
    let mut inner = Query::select();
    for c in records::Column::iter() {
        inner.column(("r", c));
    }
    inner
        .expr_as(
            Expr::cust(r#""rb"."did" || ' ' || "rb"."blob_cid""#),
            "blob_key",
        )
        .from_as("records", "r")
        .join_as(
            JoinType::InnerJoin,
            "record_blobs",
            "rb",
            Expr::col(("rb", "record_uri")).equals(("r", "uri")),
        )
        .and_where(Expr::col(("rb", "blob_cid")).is_in(cids));
    from_derived(blob_record_rows::Entity::find(), inner)
}

/// `record_blob_rows` restricted to records with one of `uris`.
pub fn record_blobs(uris: Vec<Value>) -> Select<record_blob_rows::Entity> {
    let mut inner = Query::select();
    inner.column(("rb", "record_uri"));
    for c in blobs::Column::iter() {
        inner.column(("b", c));
    }
    inner
        .from_as("blobs", "b")
        .join_as(
            JoinType::InnerJoin,
            "record_blobs",
            "rb",
            Expr::col(("rb", "did"))
                .equals(("b", "did"))
                .and(Expr::col(("rb", "blob_cid")).equals(("b", "cid"))),
        )
        .and_where(Expr::col(("rb", "record_uri")).is_in(uris));
    from_derived(record_blob_rows::Entity::find(), inner)
}
