//! `records`: the denormalised record listing behind fast `getRecord` / `listRecords`
//! without walking the MST (seed chapter 14; shaped like the reference PDS's `record`).

use sea_orm::entity::prelude::*;

/// A row of `records`: the current version of one record of a repository.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "records")]
pub struct Model {
    /// The record's `at://did/collection/rkey` URI.
    #[sea_orm(primary_key, auto_increment = false)]
    pub uri: String,
    /// CID of the record's current version (indexed, `records_cid_idx`).
    pub cid: String,
    /// The owning account. With `collection` and `rkey`, unique
    /// (`records_did_collection_rkey_idx`).
    #[sea_orm(unique_key = "did_collection_rkey")]
    pub did: String,
    /// The record's collection NSID, e.g. `app.bsky.feed.post`.
    #[sea_orm(unique_key = "did_collection_rkey")]
    pub collection: String,
    /// The record key within the collection.
    #[sea_orm(unique_key = "did_collection_rkey")]
    pub rkey: String,
    /// Rev (TID) of the commit that last wrote the record (indexed); `None` if unknown.
    pub repo_rev: Option<String>,
    /// When the record was (last) written to the listing, UTC (defaults to now).
    pub indexed_at: DateTimeUtc,
    /// Reference of a moderation takedown; `None` while the record is served.
    pub takedown_ref: Option<String>,
    /// The account owning the record, through `did` (cascade).
    #[sea_orm(belongs_to, from = "did", to = "did", on_delete = "Cascade")]
    pub account: BelongsTo<super::accounts::Entity>,
    /// The blobs this record references (`record_blobs.record_uri`); deleted with it.
    #[sea_orm(has_many)]
    pub record_blobs: HasMany<super::record_blobs::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
